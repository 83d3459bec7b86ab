"""Measuring the preview loop: generated apps of a chosen size and the figures taken on them."""
