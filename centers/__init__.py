"""Engineer Collaborative Innovation Centers: pools, resources, evaluation."""
