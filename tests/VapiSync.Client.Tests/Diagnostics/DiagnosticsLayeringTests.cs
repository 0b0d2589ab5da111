using System.Reflection;
using System.Reflection.Emit;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http;

namespace VapiSync.Client.Tests.Diagnostics;

/// <summary>
/// <c>VapiSync.Client.Diagnostics</c> is the bottom layer: every area records its logs and metrics through its own
/// <c>Internal</c> classes and may use Diagnostics, but Diagnostics uses no other namespace of the library (it once
/// imported Sync, Http, Voices and Resilience, which imported it back). Checked on the compiled assembly: signatures,
/// attributes, locals and every type, field and method the IL refers to, lambdas and state machines included.
/// </summary>
public sealed class DiagnosticsLayeringTests
{
    private const string Layer = "VapiSync.Client.Diagnostics";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void Diagnostics_DependsOnNoOtherLibraryNamespace()
    {
        var assembly = typeof(VapiSyncTelemetry).Assembly;
        var layer = assembly.GetTypes().Where(t => InLayer(t.Namespace)).ToList();

        var violations = (
            from type in layer
            from used in ReferencedTypes(type).SelectMany(Flatten).Distinct()
            where used.Assembly == assembly && IsLibraryNamespace(used.Namespace) && !InLayer(used.Namespace)
            select $"{type.FullName} uses {used.FullName}").Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Contains(typeof(VapiSyncTelemetry), layer);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void ReferencedTypes_SeesTypesUsedOnlyInsideMethodBodies()
    {
        // Guards the scan itself: a type named only in a method body (a pattern match) must be found.
        var used = ReferencedTypes(typeof(Probe)).SelectMany(Flatten).ToHashSet();

        Assert.Contains(typeof(VapiApiException), used);
        Assert.Contains(typeof(SyncOutcome), used);
    }

    private static bool InLayer(string? ns) => ns is not null && (ns == Layer || ns.StartsWith(Layer + ".", StringComparison.Ordinal));

    private static bool IsLibraryNamespace(string? ns) => ns is not null && (ns == "VapiSync.Client" || ns.StartsWith("VapiSync.Client.", StringComparison.Ordinal));

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var t in type.GetInterfaces().Concat(type.GetCustomAttributesData().Select(a => a.AttributeType)))
        {
            yield return t;
        }

        foreach (var field in type.GetFields(all))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(all))
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            foreach (var t in Signature(method).Concat(method.GetCustomAttributesData().Select(a => a.AttributeType)).Concat(BodyReferences(method)))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<Type> Signature(MethodBase method) =>
        method.GetParameters().Select(p => p.ParameterType)
            .Concat(method is MethodInfo info ? [info.ReturnType] : [])
            .Append(method.DeclaringType!);

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body?.GetILAsByteArray() is not { } il)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = (short)il[i++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i++]));
            }

            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                    foreach (var t in MemberTypes(member))
                    {
                        yield return t;
                    }

                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                default:
                    i += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    private static IEnumerable<Type> MemberTypes(MemberInfo? member) => member switch
    {
        Type t => [t],
        FieldInfo f => [f.DeclaringType!, f.FieldType],
        MethodBase m => Signature(m),
        _ => [],
    };

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4, // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
    };

    /// <summary>Array, by-ref, pointer and generic types stand for their parts.</summary>
    private static IEnumerable<Type> Flatten(Type type)
    {
        if (type.HasElementType)
        {
            return Flatten(type.GetElementType()!);
        }

        return type.IsGenericType && !type.IsGenericTypeDefinition
            ? type.GetGenericArguments().SelectMany(Flatten).Prepend(type.GetGenericTypeDefinition())
            : [type];
    }

    private static class Probe
    {
        public static bool Check(object value) => value is VapiApiException { StatusCode: System.Net.HttpStatusCode.BadRequest } || value.Equals(SyncOutcome.Moved);
    }
}
