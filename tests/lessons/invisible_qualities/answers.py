"""Right answers to lesson 01's tasks, written as a learner would (being written)."""

RIGHT_ANSWERS: dict = {}
