"""The staff review site: responses, transcripts, results, free text, exports and the audit log.

It reads storage only, and learns the survey's questions from a codebook
(plain data) that the bot hands over.
"""

from bot.review.app import create_review_app
from bot.review.config import ReviewConfig, UnsafeSecret
from bot.review.site import DATABASE

__all__ = ["DATABASE", "ReviewConfig", "UnsafeSecret", "create_review_app"]
