#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into a NEW, empty database and media folder.
#
#   DATABASE_URL=postgres://user@host:5432/intranet_restored MEDIA_ROOT=/srv/intranet/media \
#     ops/restore.sh intranet-<stamp>.dump intranet-<stamp>-media.tar.gz
#
# The database is created when it does not exist; a database that already holds tables is
# refused, so a restore never mixes two states. Afterwards run `manage.py migrate` (a no-op
# for a dump of the same version) and point the site at the restored database.
set -euo pipefail

dump="${1:?usage: restore.sh DUMP MEDIA_ARCHIVE}"
media="${2:?usage: restore.sh DUMP MEDIA_ARCHIVE}"
: "${DATABASE_URL:?DATABASE_URL must point to the database to create}"
: "${MEDIA_ROOT:?MEDIA_ROOT must point to the media folder to fill}"
[ -f "$dump" ] || { echo "restore: no such dump: $dump" >&2; exit 1; }
[ -f "$media" ] || { echo "restore: no such media archive: $media" >&2; exit 1; }

without_query="${DATABASE_URL%%\?*}"
name="${without_query##*/}"
maintenance="${without_query%/*}/postgres"

# psql interpolates :'name' and :"name" only in scripts read from standard input.
exists="$(echo "SELECT 1 FROM pg_database WHERE datname = :'name'" |
  psql --dbname="$maintenance" --tuples-only --no-align --variable=name="$name")"
if [ -z "$exists" ]; then
  echo 'CREATE DATABASE :"name"' | psql --dbname="$maintenance" --quiet --variable=name="$name"
fi
tables="$(psql --dbname="$DATABASE_URL" --tuples-only --no-align \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore: database $name is not empty ($tables tables); restore into a new one" >&2
  exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$media" --directory="$MEDIA_ROOT"
echo "restored $dump into $name and $media into $MEDIA_ROOT"
