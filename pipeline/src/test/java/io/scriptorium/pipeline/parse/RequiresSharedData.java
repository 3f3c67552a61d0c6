package io.scriptorium.pipeline.parse;

import io.scriptorium.testing.SharedData;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** jqwik's counterpart of {@code @DataTest}: skips a property, with the reason, where ../shared/data is absent. */
public final class RequiresSharedData implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    return SharedData.present() ? SkipResult.doNotSkip() : SkipResult.skip(SharedData.notRunReason());
  }
}
