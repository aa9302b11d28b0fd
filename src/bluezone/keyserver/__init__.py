"""The key server: publish pipeline (validate → transform → store), signed exports, index and retention."""
