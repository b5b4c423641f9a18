"""Personal data: masking it in free text, detecting it in sources and the built site, and the identifier checks both rely on."""
