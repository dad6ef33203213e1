using EtlFunction.Tests.Integration.Lambda;
using EtlFunction.Tests.Integration.StateMachine;

namespace EtlFunction.Tests.Integration.Image;

/// <summary>
/// The whole state machine with every Task dispatched to the container image (ETL_TEST_IMAGE) under the Runtime
/// API emulator: the tests and assertions of <see cref="StateMachineRunTestsBase"/> (StateMachineRunTests runs them on the published binary) — the clean file, the quarantine
/// path, Retry without duplicate rows, the empty file and the Distributed Map against the single path.
/// </summary>
[NonParallelizable]
public sealed class StateMachineInImageTests() : StateMachineRunTestsBase(FunctionForm.Image);
