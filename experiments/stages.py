from viewflow.workflow.status import PROCESS, STATUS

from .models import STAGES


def stepper(tasks, experiment):
    """The stages with their state for this experiment: done, current or upcoming."""
    open_names = [
        task.flow_task.name
        for task in tasks
        if task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
    ]
    names = [name for name, _label in STAGES]
    if experiment.status == PROCESS.DONE:
        current_index = len(names)
    elif open_names and open_names[-1] in names:
        current_index = names.index(open_names[-1])
    else:
        current_index = 0
    return [
        {
            "number": index + 1,
            "name": name,
            "label": label,
            "state": "done"
            if index < current_index
            else "current"
            if index == current_index
            else "upcoming",
        }
        for index, (name, label) in enumerate(STAGES)
    ]
