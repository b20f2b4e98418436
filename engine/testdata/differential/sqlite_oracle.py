# SQLite oracle for engine's differential test (TestDifferential).
# Regenerate the expected output after editing queries.sql, from this
# directory:  python3 sqlite_oracle.py > sqlite.out
# The queries are written in the Athena dialect and kept to what SQLite
# evaluates identically; the few spellings SQLite lacks are rewritten below.
# flows.csv was generated with random.seed(7): 3000 flows over a handful of
# source addresses, ports, actions and byte counts, with NULLs (\N) in
# every nullable column.
import sqlite3, csv
db=sqlite3.connect(':memory:')
db.execute('PRAGMA case_sensitive_like=ON')
db.execute('CREATE TABLE vpc_flow (srcaddr TEXT, dstport INTEGER, action TEXT, bytes INTEGER, start INTEGER, "end" INTEGER)')
for r in csv.reader(open('flows.csv')):
    vals=[None if v=="\\N" else v for v in r]
    vals=[vals[0], None if vals[1] is None else int(vals[1]), vals[2], None if vals[3] is None else int(vals[3]), int(vals[4]), int(vals[5])]
    db.execute('INSERT INTO vpc_flow VALUES (?,?,?,?,?,?)', vals)
def fmt(v):
    if v is None: return "NULL"
    if isinstance(v,float):
        return repr(v)
    return str(v)
for q in open('queries.sql'):
    q=q.strip()
    if not q: continue
    sq=q.replace("CAST(dstport AS varchar)","CAST(dstport AS TEXT)")
    if "FILTER (WHERE" in sq:
        sq=sq.replace("count(*) FILTER (WHERE dstport = 22)","sum(CASE WHEN dstport = 22 THEN 1 ELSE 0 END)")
    try:
        rows=db.execute(sq).fetchall()
    except Exception as e:
        print("## "+q); print("ERR", e); continue
    if "ORDER BY" not in q.split("FROM")[-1] and "LIMIT" not in q:
        rows=sorted(rows, key=lambda r: [(x is None, str(x)) for x in r])
    print("## "+q)
    for r in rows: print("|".join(fmt(v) for v in r))
