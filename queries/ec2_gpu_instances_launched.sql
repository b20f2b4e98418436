-- id: ec2_gpu_instances_launched
-- title: GPU or very large instances launched
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1496.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: RunInstances asked for, or ModifyInstanceAttribute resized a stopped instance to, GPU, accelerator or very large instance types (p, g, inf,
--   trn, dl, x, u-): the usual shape of cryptomining on stolen credentials (Stratus
--   ec2-launch-unusual-instances). Attempts count, denied or not: a denied launch of ten p2.xlarge
--   still shows intent. The type is read whether AWS logs it as a string or as {"value": ...}.
--   Dedup: one finding per account, region/type and actor per day. Benign look-alikes: ordinary types (t3, m6i, c7g) are not reported; ML
--   teams that use GPUs should exclude their roles in a copy of the hunt.
-- remediation: Check the instances against the team's plans; terminate unknown ones, rotate the
--   credentials that launched them, and set service quotas for GPU families to zero where unused.
-- references: https://attack.mitre.org/techniques/T1496/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-launch-unusual-instances/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(recipientaccountid, '/', awsregion, '/', coalesce(json_extract_scalar(requestparameters, '$.instanceType'), json_extract_scalar(requestparameters, '$.instanceType.value'))) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname IN ('RunInstances', 'ModifyInstanceAttribute')
  AND regexp_like(coalesce(json_extract_scalar(requestparameters, '$.instanceType'), json_extract_scalar(requestparameters, '$.instanceType.value')), '^(p[2-6]|g[3-6]|g5g|inf[12]|trn[12]|dl[12]|x[12]|u-|f[12])')
