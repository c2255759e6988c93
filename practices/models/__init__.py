from .charter import CharterPage, CharterSignature
from .moderation import ModeratedPage, ModerationSettings
from .onboarding import (
    NEWCOMER_MONTHS,
    OnboardingPage,
    OnboardingProgress,
    OnboardingStep,
    is_newcomer,
    newcomers_since,
)
from .practices import PracticeCategory, PracticeIndexPage, PracticePage
from .tools import Tool, ToolGuidePage, ToolNeed
from .trainings import Enrolment, TrainingIndexPage, TrainingPage, TrainingSession

__all__ = [
    "NEWCOMER_MONTHS",
    "CharterPage",
    "CharterSignature",
    "Enrolment",
    "ModeratedPage",
    "ModerationSettings",
    "OnboardingPage",
    "OnboardingProgress",
    "OnboardingStep",
    "PracticeCategory",
    "PracticeIndexPage",
    "PracticePage",
    "Tool",
    "ToolGuidePage",
    "ToolNeed",
    "TrainingIndexPage",
    "TrainingPage",
    "TrainingSession",
    "is_newcomer",
    "newcomers_since",
]
