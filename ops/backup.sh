#!/usr/bin/env bash
# Back up the intranet: a PostgreSQL dump (custom format) and an archive of the media folder.
#
#   DATABASE_URL=postgres://user@host:5432/intranet MEDIA_ROOT=/srv/intranet/media \
#     ops/backup.sh /var/backups/intranet
#
# Writes DEST/intranet-<UTC timestamp>.dump and DEST/intranet-<UTC timestamp>-media.tar.gz and
# prints their paths. Consistent without stopping the site: pg_dump reads one snapshot.
set -euo pipefail

dest="${1:?usage: backup.sh DESTINATION_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database}"
: "${MEDIA_ROOT:?MEDIA_ROOT must point to the media folder}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
dump="$dest/intranet-$stamp.dump"
media="$dest/intranet-$stamp-media.tar.gz"

# Written under a temporary name first: a half-written file never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dump.part"
mv "$dump.part" "$dump"
mkdir -p "$MEDIA_ROOT"
tar --create --gzip --file="$media.part" --directory="$MEDIA_ROOT" .
mv "$media.part" "$media"

echo "$dump"
echo "$media"
