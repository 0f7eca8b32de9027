"""bot/review"""
