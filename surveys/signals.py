from django.dispatch import Signal

# Sent once when a survey closes (at its closing date or by hand), with ``survey``.
survey_closed = Signal()
