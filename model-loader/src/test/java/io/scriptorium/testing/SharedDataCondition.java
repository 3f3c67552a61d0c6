package io.scriptorium.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips a {@link DataTest} class or method, with the reason, where {@code ../shared/data} is absent. */
final class SharedDataCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return SharedData.present()
        ? ConditionEvaluationResult.enabled("shared test data at " + SharedData.location())
        : ConditionEvaluationResult.disabled(SharedData.notRunReason());
  }
}
