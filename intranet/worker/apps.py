from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "intranet.worker"
    label = "worker"
