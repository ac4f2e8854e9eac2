"""Pages beyond the sessions: the course home, My data, and the furniture every page shares."""
