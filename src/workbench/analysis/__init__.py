"""Analyses across a whole model: participants and their roles, standard values for missing data."""
