"""Tandem: marketing, sales and the front line on one record, one plan and one set of numbers."""

__version__ = "0.1.0"
