"""Health declarations: residents' voluntary ones and travellers' entry declarations, sealed per province."""
