"""Lesson 02's tests."""
