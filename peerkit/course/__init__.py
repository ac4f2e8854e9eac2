"""The course: its data file, its notebooks read without running them, checks, progress."""
