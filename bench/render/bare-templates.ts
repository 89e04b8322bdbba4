// Plain Handlebars templates for the bare baseline: the same objects Nestor renders, with values
// inserted as JSON (valid YAML flow scalars), no validation of any kind.
export const BARE_TEMPLATES: Record<string, string> = {
  namespace: `apiVersion: v1
kind: Namespace
metadata: { name: {{json env}}, labels: {{json labels}} }
`,
  configMap: `apiVersion: v1
kind: ConfigMap
metadata: { name: {{json app}}, namespace: {{json env}}, labels: {{json labels}} }
data: {{json data}}
`,
  secret: `apiVersion: v1
kind: Secret
type: Opaque
metadata: { name: "{{app}}-secrets", namespace: {{json env}}, labels: {{json labels}} }
data: {{json data}}
`,
  deployment: `apiVersion: apps/v1
kind: Deployment
metadata: { name: "{{app}}-{{process}}", namespace: {{json env}}, labels: {{json labels}} }
spec:
  replicas: {{replicas}}
  selector: { matchLabels: { app: {{json app}}, process: {{json process}} } }
  template:
    metadata: { labels: {{json labels}} }
    spec:
      nodeSelector: {{json nodeSelector}}
      containers:
        - name: {{json process}}
          image: {{json image}}
          command: ["/bin/sh", "-c", {{json command}}]
          envFrom: [ { configMapRef: { name: {{json app}} } } ]
          env:
{{#each secrets}}
            - { name: {{json this}}, valueFrom: { secretKeyRef: { name: "{{../app}}-secrets", key: {{json this}} } } }
{{/each}}
          resources: {{json resources}}
`,
  service: `apiVersion: v1
kind: Service
metadata: { name: {{json app}}, namespace: {{json env}}, labels: {{json labels}} }
spec:
  type: ClusterIP
  ports: [ { name: http, port: 80, targetPort: 8080, protocol: TCP } ]
  selector: { app: {{json app}}, process: web }
`,
  hpa: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: "{{app}}-{{process}}", namespace: {{json env}}, labels: {{json labels}} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: "{{app}}-{{process}}" }
  minReplicas: {{scale.minReplicas}}
  maxReplicas: {{scale.maxReplicas}}
  metrics: [ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 75 } } } ]
`,
  ingress: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: {{json app}}, namespace: {{json env}}, labels: {{json labels}} }
spec:
  rules:
    - host: "{{app}}.{{domain}}"
      http: { paths: [ { path: /, pathType: Prefix, backend: { service: { name: {{json app}}, port: { number: 80 } } } } ] }
`,
  cronJob: `apiVersion: batch/v1
kind: CronJob
metadata: { name: "{{app}}-{{name}}", namespace: {{json env}}, labels: {{json labels}} }
spec:
  schedule: {{json schedule}}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [ { name: {{json name}}, image: {{json image}}, command: ["/bin/sh", "-c", {{json command}}] } ]
`,
};
