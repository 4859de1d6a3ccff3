"""Lesson 04's tests."""
