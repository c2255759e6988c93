#!/usr/bin/env bash
# Back up the intranet: a PostgreSQL dump (custom format) and an archive of the media folder.
#
#   DATABASE_URL=postgres://user@host:5432/intranet MEDIA_ROOT=/srv/intranet/media \
#     ops/backup.sh /var/backups/intranet
#
# Writes DEST/intranet-<UTC timestamp>.dump and DEST/intranet-<UTC timestamp>-media.tar.gz and
# prints their paths. Consistent without stopping the site: pg_dump reads one snapshot.
#
# Both files are readable by their owner only (0600, in a 0700 folder when the script creates
# it): the dump holds personal data and password hashes. The login sessions' rows are left out
# (their tables are dumped empty), so no live session key ever sits in a backup; after a
# restore every agent logs in again.
set -euo pipefail
umask 077

dest="${1:?usage: backup.sh DESTINATION_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database}"
: "${MEDIA_ROOT:?MEDIA_ROOT must point to the media folder}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
dump="$dest/intranet-$stamp.dump"
media="$dest/intranet-$stamp-media.tar.gz"

# Written under a temporary name first: a half-written file never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --exclude-table-data=django_session --exclude-table-data=accounts_agentsession \
  --file="$dump.part"
mv "$dump.part" "$dump"
# The media folder is the site's, not the backup's: created (when missing) with the usual mode.
(umask 022 && mkdir -p "$MEDIA_ROOT")
tar --create --gzip --file="$media.part" --directory="$MEDIA_ROOT" .
mv "$media.part" "$media"

echo "$dump"
echo "$media"
