/**
 * Online adaptation and model predictive control (survey IV-A: GrBAL's algorithm 2 with the
 * MPC of eq. 16).
 *
 * <ul>
 *   <li>{@link org.mbmrl.workers.control.BatchDynamics}: what planners roll out, one batched
 *       call per horizon step - {@link org.mbmrl.workers.control.ModelDynamics} (a learned
 *       Gaussian MLP, planning state = observation) and
 *       {@link org.mbmrl.workers.control.TrueDynamics} (the task's simulator, planning state =
 *       its full state; the upper reference);</li>
 *   <li>{@link org.mbmrl.workers.control.Planner}s configured by
 *       {@link org.mbmrl.workers.control.PlannerSettings}: random shooting, CEM, MPPI; budget
 *       = candidates x horizon x iterations model evaluations per control step;</li>
 *   <li>{@link org.mbmrl.workers.control.OnlineAdapter}s ({@code none}, {@code finetune},
 *       {@code gradient}) on a {@link org.mbmrl.workers.control.RecentTransitions} window,
 *       configured by {@link org.mbmrl.workers.control.AdapterSettings};</li>
 *   <li>{@link org.mbmrl.workers.control.ControlEpisode}: the control loop, with an optional
 *       mid-episode change of the task, timing and recovery measure;
 *       {@link org.mbmrl.workers.control.ControlBenchmark}: latency of a control step on the
 *       W1 model.</li>
 * </ul>
 */
package org.mbmrl.workers.control;
