"""Awarded work: collaborations, milestones, work logs, deliverables, acceptance (车间验题), ratings and money."""
