"""A step-by-step form in chat: one question per message, back, skip, cancel, a summary to
confirm; every answer is kept in the FSM storage, so a restart loses nothing."""
