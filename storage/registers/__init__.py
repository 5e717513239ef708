"""A school's registers («База наставников», «База наставляемых») brought in from a file.

reading: the file's bytes, checked for hostile content, to tables of cells;
headers: which table is which register and which column is which field;
rows: each row to a person's fields and the names it links to, or the reasons it is refused;
plan: the dry run against the school as it is (new, matched, changed, pairs);
applying: the plan written in one transaction; entries, joining, pairs: pending people,
their personal invitations and the pairs formed once their members have joined.
Nothing here knows Telegram; handlers/registers/ is the chat front, bot/import_people.py
the command line.
"""
