"""Stand-in for yacs (not installed): the pickle records only the module and class names."""
