"""Right answers to lesson 07's tasks, written as a learner would (being written)."""

RIGHT_ANSWERS: dict = {}
