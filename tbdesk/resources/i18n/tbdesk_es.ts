<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="es_ES">
<context>
    <name>AddWorkspaceDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="481" />
        <source>Add an Azure ML workspace</source>
        <translation>Añadir un área de trabajo de Azure ML</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="510" />
        <source>Add</source>
        <translation>Añadir</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="514" />
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="534" />
        <source>config.json downloaded from the workspace's page in the portal</source>
        <translation>config.json descargado de la página del área de trabajo en el portal</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="536" />
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="544" />
        <source>The workspace's config.json (as Workspace.from_config() reads it):</source>
        <translation>El config.json del área de trabajo (tal como lo lee Workspace.from_config()):</translation>
    </message>
</context>
<context>
    <name>BoardView</name>
    <message>
        <location filename="../../ui/board_view.py" line="234" />
        <source>Loading the dashboard</source>
        <translation>Cargando el panel</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="271" />
        <source>Reload dashboard</source>
        <translation>Recargar el panel</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="274" />
        <source>Open in browser</source>
        <translation>Abrir en el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="429" />
        <source>The dashboard's page keeps crashing.</source>
        <translation>La página del panel sigue fallando.</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="432" />
        <source>Its renderer stopped {0} times within a minute (last: {1}, exit code {2}).</source>
        <translation>Su proceso de dibujo se detuvo {0} veces en un minuto (la última: {1}, código de salida {2}).</translation>
    </message>
</context>
<context>
    <name>BoardsButton</name>
    <message>
        <location filename="../../ui/boards_menu.py" line="72" />
        <source>This window's boards and the other TensorBoards on this machine</source>
        <translation>Los tableros de esta ventana y los demás TensorBoard de este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="78" />
        <location filename="../../ui/boards_menu.py" line="88" />
        <source>Boards ({0})</source>
        <translation>Tableros ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="88" />
        <source>Boards</source>
        <translation>Tableros</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="120" />
        <source>Boards of this window</source>
        <translation>Tableros de esta ventana</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="123" />
        <source>None: open runs from the tree</source>
        <translation>Ninguno: abra ejecuciones desde el árbol</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="126" />
        <source>Other TensorBoards on this machine</source>
        <translation>Otros TensorBoard de este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="130" />
        <source>None found</source>
        <translation>No se encontró ninguno</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="139" />
        <source> (no tab: stop it here)</source>
        <translation> (sin pestaña: deténgalo aquí)</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="142" />
        <source>Show</source>
        <translation>Mostrar</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="143" />
        <location filename="../../ui/boards_menu.py" line="151" />
        <source>Open in browser</source>
        <translation>Abrir en el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="145" />
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="150" />
        <source>Open in window</source>
        <translation>Abrir en la ventana</translation>
    </message>
</context>
<context>
    <name>BoardsPanel</name>
    <message>
        <location filename="../../ui/boards_panel.py" line="127" />
        <source>Boards of this window</source>
        <translation>Tableros de esta ventana</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="132" />
        <source>Other TensorBoards on this machine</source>
        <translation>Otros TensorBoard de este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="193" />
        <source>Could not stop the board '{0}'</source>
        <translation>No se pudo detener el tablero «{0}»</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="199" />
        <source>Could not restart the board '{0}'</source>
        <translation>No se pudo reiniciar el tablero «{0}»</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="221" />
        <source>Looking for TensorBoards…</source>
        <translation>Buscando TensorBoard…</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="288" />
        <source>Could not look for TensorBoards: {0}</source>
        <translation>No se pudo buscar TensorBoard: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="309" />
        <source>Started by another tbdesk window</source>
        <translation>Iniciado por otra ventana de tbdesk</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="314" />
        <source>None found.</source>
        <translation>No se encontró ninguno.</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="314" />
        <source>{0} found.</source>
        <translation>Se encontraron {0}.</translation>
    </message>
</context>
<context>
    <name>CacheActions</name>
    <message>
        <location filename="../../ui/cache_actions.py" line="101" />
        <source>Preferences…</source>
        <translation>Preferencias…</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="102" />
        <source>Clear cache…</source>
        <translation>Vaciar la caché…</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="103" />
        <source>Remove the logs of runs that no open board shows</source>
        <translation>Quitar los registros de las ejecuciones que ningún tablero abierto muestra</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="113" />
        <source>The cache is in {0}</source>
        <translation>La caché está en {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="117" />
        <source> (measuring…)</source>
        <translation> (midiendo…)</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="130" />
        <source>The cache is in {0} and holds {1}</source>
        <translation>La caché está en {0} y ocupa {1}</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="170" />
        <source>Clear cache</source>
        <translation>Vaciar la caché</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="173" />
        <source>Remove the logs of every run in the cache?
Runs that open boards show are kept; others are fetched again when opened.</source>
        <translation>¿Quitar de la caché los registros de todas las ejecuciones?
Se conservan las que muestran los tableros abiertos; las demás se vuelven a descargar al abrirlas.</translation>
    </message>
</context>
<context>
    <name>CloudFolderDialog</name>
    <message>
        <location filename="../../ui/cloud_dialog.py" />
        <source>Open cloud folder</source>
        <translation>Abrir carpeta en la nube</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" />
        <source>optional: SAS token, connection string, or ACCESS_KEY_ID:SECRET (kept in the keyring)</source>
        <translation>opcional: token SAS, cadena de conexión o ACCESS_KEY_ID:SECRET (se guarda en el llavero)</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" />
        <source>Credentials come from where each cloud&apos;s own tools find them (AWS_PROFILE, AZURE_STORAGE_CONNECTION_STRING, the signed-in Azure account, gcloud&apos;s application default credentials), or from the secret given here.</source>
        <translation>Las credenciales se toman de donde las encuentran las herramientas de cada nube (AWS_PROFILE, AZURE_STORAGE_CONNECTION_STRING, la cuenta de Azure con sesión iniciada, las credenciales predeterminadas de aplicación de gcloud) o del secreto indicado aquí.</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" />
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" />
        <source>Secret:</source>
        <translation>Secreto:</translation>
    </message>
</context>
<context>
    <name>DeviceCodeDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="404" />
        <source>Sign in to Azure with a code</source>
        <translation>Iniciar sesión en Azure con un código</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="426" />
        <source>Copy code</source>
        <translation>Copiar el código</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="429" />
        <source>Open browser</source>
        <translation>Abrir el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="432" />
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="448" />
        <source>Copied</source>
        <translation>Copiado</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="149" />
        <source>No loaded run matches: the search covers the runs loaded so far.</source>
        <translation>Ninguna ejecución cargada coincide: la búsqueda abarca las ejecuciones cargadas hasta ahora.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="152" />
        <source>Load all runs and search</source>
        <translation>Cargar todas y buscar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="176" />
        <source>Loading every run</source>
        <translation>Cargando todas las ejecuciones</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="221" />
        <source>Copy address</source>
        <translation>Copiar la dirección</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="235" />
        <source>No web browser could open {0}</source>
        <translation>Ningún navegador web pudo abrir {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="240" />
        <source>Copied {0}</source>
        <translation>Copiado: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="255" />
        <source>Boards</source>
        <translation>Tableros</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="261" />
        <source>Boards panel</source>
        <translation>Panel de tableros</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="266" />
        <source>Find runs…</source>
        <translation>Buscar ejecuciones…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="267" />
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="268" />
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270" />
        <source>Reload the tree, or look for new logs of the board in view</source>
        <translation>Recargar el árbol, o buscar registros nuevos del tablero a la vista</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="273" />
        <source>About {0}</source>
        <translation>Acerca de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="287" />
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294" />
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="297" />
        <source>Remove Azure account</source>
        <translation>Quitar cuenta de Azure</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="308" />
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="313" />
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="420" />
        <source>Reopening {0}</source>
        <translation>Reabriendo {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="484" />
        <source>{0} runs selected.</source>
        <translation>{0} ejecuciones seleccionadas.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="486" />
        <source>Select a run to see its details.</source>
        <translation>Seleccione una ejecución para ver sus detalles.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="497" />
        <source>Opening {0} in TensorBoard</source>
        <translation>Abriendo {0} en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="510" />
        <source>Not a folder of TensorBoard logs: {0}</source>
        <translation>No es una carpeta de registros de TensorBoard: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="562" />
        <source>Restarting {0}</source>
        <translation>Reiniciando {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="585" />
        <source>Following {0} live</source>
        <translation>Siguiendo {0} en vivo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="653" />
        <source>Stopping {0}</source>
        <translation>Deteniendo {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="686" />
        <source>Creating the demo experiments</source>
        <translation>Creando los experimentos de demostración</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/cache_actions.py" line="50" />
        <source>Preferences</source>
        <translation>Preferencias</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="58" />
        <source>Runs that no open board shows are removed, least recently used first, past this size</source>
        <translation>Por encima de este tamaño se quitan las ejecuciones que ningún tablero abierto muestra, primero las usadas hace más tiempo</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="66" />
        <source>Cache size limit:</source>
        <translation>Tamaño máximo de la caché:</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="74" />
        <location filename="../../ui/cache_actions.py" line="84" />
        <source>As the system</source>
        <translation>Como el sistema</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="75" />
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="76" />
        <source>Dark</source>
        <translation>Oscuro</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="80" />
        <source>The window at once; the dashboards from the next launch</source>
        <translation>La ventana al momento; los paneles desde el próximo inicio</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="81" />
        <source>Appearance:</source>
        <translation>Apariencia:</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="88" />
        <source>From the next launch</source>
        <translation>Desde el próximo inicio</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="89" />
        <source>Language:</source>
        <translation>Idioma:</translation>
    </message>
</context>
<context>
    <name>RemoveAccountDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="750" />
        <source>Remove Azure account</source>
        <translation>Quitar cuenta de Azure</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="768" />
        <source>Remove account</source>
        <translation>Quitar la cuenta</translation>
    </message>
</context>
<context>
    <name>RunActions</name>
    <message>
        <location filename="../../ui/run_actions.py" line="68" />
        <location filename="../../ui/run_actions.py" line="87" />
        <source>Open in TensorBoard</source>
        <translation>Abrir en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="70" />
        <source>Compare selected in one TensorBoard</source>
        <translation>Comparar las seleccionadas en un TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="72" />
        <source>Open with options…</source>
        <translation>Abrir con opciones…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="74" />
        <source>Open the selected runs in one board, choosing where their logs are</source>
        <translation>Abrir las ejecuciones seleccionadas en un tablero, eligiendo dónde están sus registros</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="76" />
        <source>Export to TensorBoard…</source>
        <translation>Exportar a TensorBoard…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="78" />
        <source>Write the metric history of runs as TensorBoard event files</source>
        <translation>Escribir el historial de métricas de las ejecuciones como archivos de eventos de TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="80" />
        <source>Download logs…</source>
        <translation>Descargar registros…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="81" />
        <source>Copy run id</source>
        <translation>Copiar el id de la ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="83" />
        <source>Open in Azure ML studio</source>
        <translation>Abrir en Azure ML studio</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="85" />
        <source>Show the run's page in Azure ML studio in your web browser</source>
        <translation>Mostrar la página de la ejecución en Azure ML studio en su navegador</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="86" />
        <source>Show in folder</source>
        <translation>Mostrar en la carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="168" />
        <location filename="../../ui/run_actions.py" line="221" />
        <location filename="../../ui/run_actions.py" line="374" />
        <source>Opening {0} in TensorBoard</source>
        <translation>Abriendo {0} en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="392" />
        <location filename="../../ui/run_actions.py" line="402" />
        <source>Downloading logs of {0}</source>
        <translation>Descargando los registros de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="423" />
        <source>Showing {0} in its folder</source>
        <translation>Mostrando {0} en su carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="438" />
        <source>{0} logged metrics only: showing the folder they are exported to</source>
        <translation>{0} solo registró métricas: se muestra la carpeta a la que se exportan</translation>
    </message>
</context>
<context>
    <name>RunDetails</name>
    <message>
        <location filename="../../ui/run_details.py" line="55" />
        <source>Parameters</source>
        <translation>Parámetros</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="105" />
        <source>Job type</source>
        <translation>Tipo de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="107" />
        <source>Run type</source>
        <translation>Tipo de ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="46" />
        <source>Run</source>
        <translation>Ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="47" />
        <source>Tags</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="48" />
        <source>Properties</source>
        <translation>Propiedades</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="49" />
        <source>Metrics</source>
        <translation>Métricas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="50" />
        <source>Files</source>
        <translation>Archivos</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="76" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="77" />
        <source>Display name</source>
        <translation>Nombre visible</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="78" />
        <source>Run id</source>
        <translation>Id de la ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="79" />
        <source>Experiment</source>
        <translation>Experimento</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="82" />
        <source>Run number</source>
        <translation>Número</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="84" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="86" />
        <source>Parent run</source>
        <translation>Ejecución padre</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="88" />
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="89" />
        <source>Ended</source>
        <translation>Fin</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="95" />
        <location filename="../../ui/run_details.py" line="103" />
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="104" />
        <source>{0} so far</source>
        <translation>{0} hasta ahora</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="159" />
        <source>Copy run id</source>
        <translation>Copiar el id de la ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="163" />
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="179" />
        <source>Select a run to see its details.</source>
        <translation>Seleccione una ejecución para ver sus detalles.</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="205" />
        <source>No tags</source>
        <translation>Sin etiquetas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="206" />
        <source>No properties</source>
        <translation>Sin propiedades</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="207" />
        <location filename="../../ui/run_details.py" line="208" />
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="212" />
        <source>Copy {0} to the clipboard</source>
        <translation>Copiar {0} al portapapeles</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="240" />
        <source>Could not load</source>
        <translation>No se pudo cargar</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="255" />
        <source>No metrics</source>
        <translation>Sin métricas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="273" />
        <source>… and {0} more</source>
        <translation>… y {0} más</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="274" />
        <source>No files</source>
        <translation>Sin archivos</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../ui/search.py" line="83" />
        <source>Filter runs: name, status:failed, tag:lr=0.1  (Ctrl+F)</source>
        <translation>Filtrar ejecuciones: nombre, status:failed, tag:lr=0.1  (Ctrl+F)</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="206" />
        <source>Checking which sign-in methods this computer offers…</source>
        <translation>Comprobando qué métodos de inicio de sesión ofrece este equipo…</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="216" />
        <source>Custom endpoints (a private cloud)</source>
        <translation>Puntos de conexión propios (una nube privada)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="223" />
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="238" />
        <source>Account name</source>
        <translation>Nombre de la cuenta</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="239" />
        <source>Sign in with</source>
        <translation>Iniciar sesión con</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="241" />
        <source>Cloud</source>
        <translation>Nube</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="242" />
        <source>Tenant</source>
        <translation>Inquilino</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="243" />
        <source>Client id</source>
        <translation>Id de cliente</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="244" />
        <source>Client secret</source>
        <translation>Secreto de cliente</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="246" />
        <source>Resource Manager</source>
        <translation>Resource Manager</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="247" />
        <source>Sign-in authority</source>
        <translation>Autoridad de inicio de sesión</translation>
    </message>
</context>
<context>
    <name>SourceActions</name>
    <message>
        <location filename="../../ui/source_actions.py" />
        <source>Cannot open the datastore {name}</source>
        <translation>No se puede abrir el almacén de datos {name}</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="30" />
        <source>Open logs folder…</source>
        <translation>Abrir carpeta de registros…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" />
        <source>Open cloud folder…</source>
        <translation>Abrir carpeta en la nube…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="32" />
        <source>Close folder</source>
        <translation>Cerrar la carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="33" />
        <source>Sign in to Azure…</source>
        <translation>Iniciar sesión en Azure…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="34" />
        <source>Add Azure ML workspace…</source>
        <translation>Añadir área de trabajo de Azure ML…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="36" />
        <source>Remove workspace</source>
        <translation>Quitar el área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="38" />
        <source>Sign in again</source>
        <translation>Volver a iniciar sesión</translation>
    </message>
</context>
<context>
    <name>SourceTree</name>
    <message>
        <location filename="../../ui/tree_nodes.py" />
        <source>not browsable</source>
        <translation>no explorable</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="154" />
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="160" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="155" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="156" />
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="166" />
        <source>Local workspace</source>
        <translation>Área de trabajo local</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="167" />
        <source>Local workspace ({0})</source>
        <translation>Área de trabajo local ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="167" />
        <source>Local workspace (read-only)</source>
        <translation>Área de trabajo local (solo lectura)</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="170" />
        <source>Local workspace ({0}, read-only)</source>
        <translation>Área de trabajo local ({0}, solo lectura)</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <location filename="../../ui/welcome.py" line="18" />
        <source>Right-click runs in the tree and choose &lt;b&gt;Open in TensorBoard&lt;/b&gt;.</source>
        <translation>Haga clic derecho en ejecuciones del árbol y elija &lt;b&gt;Abrir en TensorBoard&lt;/b&gt;.</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="22" />
        <source>No runs to look at yet? Start here:</source>
        <translation>¿Todavía no hay ejecuciones que ver? Empiece aquí:</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="26" />
        <source>Open a logs folder…</source>
        <translation>Abrir una carpeta de registros…</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="27" />
        <source>Show a folder of TensorBoard event files in the tree</source>
        <translation>Mostrar en el árbol una carpeta de archivos de eventos de TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="31" />
        <source>Sign in to Azure ML…</source>
        <translation>Iniciar sesión en Azure ML…</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="32" />
        <source>Browse the runs of your Azure Machine Learning workspaces</source>
        <translation>Explorar las ejecuciones de sus áreas de trabajo de Azure Machine Learning</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="36" />
        <source>Create the demo</source>
        <translation>Crear la demostración</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="37" />
        <source>Add small example experiments to the local workspace</source>
        <translation>Añadir pequeños experimentos de ejemplo al área de trabajo local</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="58" />
        <source>Nothing to look at yet. Start here:</source>
        <translation>Nada que ver todavía. Empiece aquí:</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="58" />
        <source>Or get more runs:</source>
        <translation>O consiga más ejecuciones:</translation>
    </message>
</context>
<context>
    <name>_ErrorPanel</name>
    <message>
        <location filename="../../ui/board_view.py" line="159" />
        <source>Restart</source>
        <translation>Reiniciar</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="160" />
        <source>Start this board's TensorBoard again</source>
        <translation>Volver a iniciar el TensorBoard de este tablero</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="161" />
        <source>Reload page</source>
        <translation>Recargar la página</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="174" />
        <source>The board is not available.</source>
        <translation>El tablero no está disponible.</translation>
    </message>
</context>
<context>
    <name>_SyncStrip</name>
    <message>
        <location filename="../../ui/board_view.py" line="201" />
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="201" />
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="202" />
        <source>Look for new logs now</source>
        <translation>Buscar registros nuevos ahora</translation>
    </message>
</context>
<context>
    <name>Unreadable</name>
    <message>
        <location filename="../../ui/tree_nodes.py" line="180" />
        <source>; and {0} more</source>
        <translation>; y {0} más</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="182" />
        <source>Cannot read 1 item, which TensorBoard will not show: {0}</source>
        <translation>No se puede leer 1 elemento, que TensorBoard no mostrará: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="185" />
        <source>Cannot read {0} items, which TensorBoard will not show: {1}</source>
        <translation>No se pueden leer {0} elementos, que TensorBoard no mostrará: {1}</translation>
    </message>
</context>
<context>
    <name>WorkspacePrompt</name>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="29" />
        <source>Workspace not found</source>
        <translation>No se encontró el área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="30" />
        <source>The workspace folder {0} does not exist.</source>
        <translation>La carpeta del área de trabajo {0} no existe.</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="32" />
        <source>Create a new, empty workspace there, or quit tbdesk?</source>
        <translation>¿Crear allí un área de trabajo nueva y vacía, o salir de tbdesk?</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="35" />
        <source>Create workspace</source>
        <translation>Crear área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="37" />
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="47" />
        <source>Workspace not created</source>
        <translation>No se creó el área de trabajo</translation>
    </message>
</context>
</TS>