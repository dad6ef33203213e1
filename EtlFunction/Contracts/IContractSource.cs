namespace EtlFunction.Contracts;

/// <summary>Finds the contract of a dataset; null when there is none (the run then infers one).</summary>
public interface IContractSource
{
    DatasetContract? Find(string dataset);
}
