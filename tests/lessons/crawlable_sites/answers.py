"""Right answers to lesson 06's tasks, written as a learner would (being written)."""

RIGHT_ANSWERS: dict = {}
