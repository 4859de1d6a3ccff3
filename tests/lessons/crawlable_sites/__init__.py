"""Lesson 06's tests."""
