"""会议材料 — what is taken to a meeting: the slides (``deck`` for presentation mode and the brief),
the 通报 and the Word-file helpers they share.
"""
