"""Tests of the staff review site."""
