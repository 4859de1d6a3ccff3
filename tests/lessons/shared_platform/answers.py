"""Right answers to lesson 02's tasks, written as a learner would (being written)."""

RIGHT_ANSWERS: dict = {}
