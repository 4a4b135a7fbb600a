"""talkbot's front ends: the ``talkbot`` command line, the local console and the Discord bot.

They only parse, format and deliver; every answer comes from :class:`index.engine.Engine`.
"""
