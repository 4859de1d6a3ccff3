"""Lesson 07's tests."""
