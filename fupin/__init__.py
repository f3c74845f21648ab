"""fupin — poverty-alleviation and return-to-poverty prevention for township offices."""
