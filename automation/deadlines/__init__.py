"""Deadlines: working days, what is due in the registers, the dashboard and the daily digest.

``workdays`` counts working days; ``rules`` says which register dates start which delay;
``due`` lists what is late or due soon; ``dashboard`` writes it to
``registers/tableau-de-bord.xlsx``; ``digest`` mails each owner once a day. This package only
reads register rows given to it; it imports no CLI and writes no register.
"""
