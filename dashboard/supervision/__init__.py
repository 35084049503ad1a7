"""督办 — the supervision loop: issuing, answering, closing and escalating a 督办, and its 通知单.
"""
