"""Stop at once, with the fix, when PostgreSQL or Redis cannot be reached."""

import os
import sys
from urllib.parse import urlsplit

import psycopg2
import redis

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
}


def main() -> int:
    problems = []
    db_url = os.environ["DATABASE_URL"]
    try:
        parts = urlsplit(db_url)
        psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.Error as error:
        problems.append(("PostgreSQL", db_url, str(error).strip().splitlines()[0]))
    redis_url = os.environ["REDIS_URL"]
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        problems.append(("Redis", redis_url, str(error)))
    for name, url, why in problems:
        print(f"Cannot reach {name} at {url}: {why}", file=sys.stderr)
        print(f"  Start it with:  {HOW_TO_START[name]}", file=sys.stderr)
        print("  (or point the URL at a running server; see DEVELOPERS.md)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
