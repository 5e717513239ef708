"""Questionnaires as versioned data: the model here, the built-in definitions beside it."""
