"""Shared kinds every app uses: ID numbers, money, masking, domain errors. No models."""
