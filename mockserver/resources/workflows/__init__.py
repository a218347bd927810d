"""Workflows (v2): what a trigger runs, by its identifier, per environment."""
