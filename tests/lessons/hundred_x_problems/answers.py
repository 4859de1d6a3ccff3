"""Right answers to lesson 04's tasks, written as a learner would (being written)."""

RIGHT_ANSWERS: dict = {}
