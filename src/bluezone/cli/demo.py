"""`bluezone demo`: placeholder replaced below."""
