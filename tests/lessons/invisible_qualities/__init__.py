"""Lesson 01's tests."""
