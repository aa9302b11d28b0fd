"""Server-rendered pages: the console for health staff, the campaign's map and forms, declaration forms."""
