"""The background worker: runs the queued tasks (e-mails) through database outages, gives back
the tasks a dead worker left running, and tells the monitoring when tasks are stuck."""
